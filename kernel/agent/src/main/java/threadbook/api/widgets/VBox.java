package threadbook.api.widgets;

import java.util.List;

/** Widgets one above the other. */
public class VBox extends Box {
    public VBox(Widget... children) {
        super("VBoxModel", "VBoxView", List.of(children));
        if (getClass() == VBox.class) {
            open();
        }
    }
}
