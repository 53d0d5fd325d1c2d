package threadbook.api.widgets;

/** A one-line text box (ipywidgets' Text). */
public final class Text extends ValueWidget<String> {
    public Text() {
        this("", "");
    }

    public Text(String description, String value) {
        super("TextModel", "TextView", "TextStyleModel");
        set("value", value);
        set("description", description);
        open();
    }

    public Text placeholder(String text) {
        set("placeholder", text);
        return this;
    }
}
