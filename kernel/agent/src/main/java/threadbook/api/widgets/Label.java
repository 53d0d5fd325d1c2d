package threadbook.api.widgets;

/** Text that the notebook can change (ipywidgets' Label). */
public final class Label extends ValueWidget<String> {
    public Label(String value) {
        super("LabelModel", "LabelView", "LabelStyleModel");
        set("value", value);
        open();
    }
}
