package threadbook.api.widgets;

import java.util.List;

/** Widgets side by side. */
public final class HBox extends Box {
    public HBox(Widget... children) {
        super("HBoxModel", "HBoxView", List.of(children));
        open();
    }
}
