package threadbook.api.widgets;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import threadbook.agent.CellThreads;

/** A button (ipywidgets' Button); {@code onClick} listeners run in the notebook's Java on each click. */
public final class Button extends DOMWidget {
    private record Click(Consumer<Button> body, long cell) {}

    private final List<Click> clicks = new CopyOnWriteArrayList<>();

    public Button(String description) {
        super("ButtonModel", "ButtonView", "ButtonStyleModel");
        set("description", description);
        set("button_style", "");
        set("icon", "");
        open();
    }

    /** {@code listener} runs on every click, printing into the cell that registered it. */
    public Button onClick(Consumer<Button> listener) {
        clicks.add(new Click(listener, CellThreads.current()));
        return this;
    }

    /** "primary", "success", "info", "warning", "danger" or "". */
    public Button buttonStyle(String style) {
        set("button_style", style);
        return this;
    }

    /** What a click in the frontend does, also callable from code. */
    public void click() {
        for (Click c : clicks) {
            CellThreads.runIn(c.cell(), () -> {
                try {
                    c.body().accept(this);
                } catch (RuntimeException | Error e) { // an AssertionError, a StackOverflowError: shown, not fatal
                    System.err.println("A click listener of " + this + " failed:");
                    e.printStackTrace();
                }
            });
        }
    }

    @Override
    protected void custom(Map<String, Object> content) {
        if ("click".equals(content.get("event"))) {
            click();
        }
    }

    @Override
    public String toString() {
        return "Button(description='" + getDescription() + "')";
    }
}
