package threadbook.api.widgets;

/** A slider for decimal numbers (ipywidgets' FloatSlider). */
public final class FloatSlider extends ValueWidget<Double> {
    public FloatSlider() {
        this("", 0, 10, 0);
    }

    public FloatSlider(String description, double min, double max, double value) {
        super("FloatSliderModel", "FloatSliderView", "SliderStyleModel");
        set("min", min);
        set("max", max);
        set("step", 0.1);
        set("value", value);
        set("description", description);
        set("readout_format", ".2f");
        open();
    }

    public FloatSlider step(double step) {
        set("step", step);
        return this;
    }

    @Override
    protected Object normalize(String trait, Object value) {
        return Numbers.isNumberTrait(trait) ? Numbers.asDouble(value) : value;
    }
}
