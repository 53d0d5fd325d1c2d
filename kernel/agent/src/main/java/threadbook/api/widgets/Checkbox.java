package threadbook.api.widgets;

/** A checkbox (ipywidgets' Checkbox). */
public final class Checkbox extends ValueWidget<Boolean> {
    public Checkbox(String description, boolean value) {
        super("CheckboxModel", "CheckboxView", "CheckboxStyleModel");
        set("value", value);
        set("description", description);
        open();
    }
}
