package threadbook.api.widgets;

/** HTML that the notebook can change (ipywidgets' HTML). */
public final class HTML extends ValueWidget<String> {
    public HTML(String value) {
        super("HTMLModel", "HTMLView", "HTMLStyleModel");
        set("value", value);
        open();
    }
}
