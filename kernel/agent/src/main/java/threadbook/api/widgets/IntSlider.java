package threadbook.api.widgets;

/** A slider for whole numbers (ipywidgets' IntSlider). */
public final class IntSlider extends ValueWidget<Integer> {
    public IntSlider() {
        this("", 0, 100, 0);
    }

    public IntSlider(int min, int max) {
        this("", min, max, min);
    }

    public IntSlider(String description, int min, int max, int value) {
        super("IntSliderModel", "IntSliderView", "SliderStyleModel");
        set("min", min);
        set("max", max);
        set("step", 1);
        set("value", value);
        set("description", description);
        open();
    }

    /** Whether the value changes while the handle is dragged (true) or when it is let go. */
    public IntSlider continuousUpdate(boolean continuous) {
        set("continuous_update", continuous);
        return this;
    }

    public IntSlider step(int step) {
        set("step", step);
        return this;
    }

    @Override
    protected Object normalize(String trait, Object value) {
        return Numbers.isNumberTrait(trait) ? Numbers.asInteger(value) : value;
    }
}
