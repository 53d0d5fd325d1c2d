package threadbook.api.widgets;

import java.util.List;

/**
 * A choice of one option by its label (Dropdown, ToggleButtons). The frontend syncs the index; "value"
 * and "label" (the chosen option) change with it and may be observed too, as in ipywidgets.
 */
public abstract class Selection extends ValueWidget<String> {
    private final List<String> options;

    protected Selection(String modelName, String viewName, String styleModel, String description,
                        List<String> options, String value) {
        super(modelName, viewName, styleModel);
        this.options = List.copyOf(options);
        int index = this.options.indexOf(value);
        if (index < 0 && !this.options.isEmpty()) {
            throw new IllegalArgumentException("'" + value + "' is not one of the options " + this.options);
        }
        set("_options_labels", this.options);
        set("index", index);
        set("description", description);
    }

    public List<String> options() {
        return options;
    }

    public int getIndex() {
        Object i = get("index");
        return i instanceof Integer n ? n : -1;
    }

    @Override
    public String getValue() {
        int i = getIndex();
        return i >= 0 && i < options.size() ? options.get(i) : null;
    }

    @Override
    public Selection setValue(String value) {
        int index = options.indexOf(value);
        if (index < 0) {
            throw new IllegalArgumentException("'" + value + "' is not one of the options " + options);
        }
        set("index", index);
        return this;
    }

    @Override
    protected Object normalize(String trait, Object value) {
        return trait.equals("index") ? Numbers.asInteger(value) : value;
    }

    @Override
    protected void changed(String trait, Object old, Object now) {
        super.changed(trait, old, now);
        if (trait.equals("index")) {
            String before = old instanceof Integer i && i >= 0 && i < options.size() ? options.get(i) : null;
            fire(new Change("value", before, getValue(), this));
            fire(new Change("label", before, getValue(), this));
        }
    }
}
