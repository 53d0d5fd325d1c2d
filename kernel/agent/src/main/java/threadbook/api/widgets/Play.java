package threadbook.api.widgets;

/**
 * Counts from min to max on its own, one step every {@code interval} ms, while playing (ipywidgets' Play);
 * link it to a slider with {@code jslink}.
 */
public final class Play extends ValueWidget<Integer> {
    public Play(int min, int max, int intervalMillis) {
        super("PlayModel", "PlayView", "DescriptionStyleModel");
        set("min", min);
        set("max", max);
        set("step", 1);
        set("value", min);
        set("interval", intervalMillis);
        set("playing", false);
        set("repeat", false);
        open();
    }

    @Override
    protected Object normalize(String trait, Object value) {
        return Numbers.isNumberTrait(trait) || trait.equals("interval") ? Numbers.asInteger(value) : value;
    }
}
