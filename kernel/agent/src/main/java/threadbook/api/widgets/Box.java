package threadbook.api.widgets;

import java.util.List;

/** Widgets side by side (HBox) or one above the other (VBox), as in ipywidgets. */
public abstract class Box extends DOMWidget {
    private volatile List<Widget> children;

    protected Box(String modelName, String viewName, List<? extends Widget> children) {
        super(modelName, viewName, null);
        this.children = List.copyOf(children);
        set("children", this.children);
        set("box_style", "");
    }

    public List<Widget> children() {
        return children;
    }

    public Box children(List<? extends Widget> widgets) {
        this.children = List.copyOf(widgets);
        set("children", this.children);
        return this;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(children=" + children + ")";
    }
}
