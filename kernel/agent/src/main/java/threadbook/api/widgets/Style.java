package threadbook.api.widgets;

/** A widget's style (ipywidgets' *Style models): {@code slider.style().set("handle_color", "red")}. */
public final class Style extends Widget {
    Style(String modelName) {
        super(CONTROLS, modelName, BASE, "StyleView");
        set("description_width", "");
        open();
    }
}
