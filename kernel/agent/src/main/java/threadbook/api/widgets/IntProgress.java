package threadbook.api.widgets;

/** A progress bar for whole numbers (ipywidgets' IntProgress); {@code barStyle("success")} colours it. */
public final class IntProgress extends ValueWidget<Integer> {
    public IntProgress(int min, int max) {
        super("IntProgressModel", "ProgressView", "ProgressStyleModel");
        set("min", min);
        set("max", max);
        set("value", min);
        open();
    }

    public IntProgress barStyle(String style) {
        set("bar_style", style);
        return this;
    }

    @Override
    protected Object normalize(String trait, Object value) {
        return Numbers.isNumberTrait(trait) ? Numbers.asInteger(value) : value;
    }
}
