package threadbook.api.widgets;

import java.util.ArrayList;
import java.util.List;

/** A slider with two handles, a lower and an upper whole number (ipywidgets' IntRangeSlider). */
public final class IntRangeSlider extends ValueWidget<List<Integer>> {
    public IntRangeSlider(String description, int min, int max, int lower, int upper) {
        super("IntRangeSliderModel", "IntRangeSliderView", "SliderStyleModel");
        set("min", min);
        set("max", max);
        set("step", 1);
        set("value", List.of(lower, upper));
        set("description", description);
        open();
    }

    public int getLower() {
        return getValue().get(0);
    }

    public int getUpper() {
        return getValue().get(1);
    }

    @Override
    protected Object normalize(String trait, Object value) {
        if (trait.equals("value") && value instanceof List<?> list) {
            List<Integer> ints = new ArrayList<>();
            list.forEach(v -> ints.add((Integer) Numbers.asInteger(v)));
            return List.copyOf(ints);
        }
        return Numbers.isNumberTrait(trait) ? Numbers.asInteger(value) : value;
    }
}
