package threadbook.api.widgets;

/** A widget that shows on the page: it has a layout, most have a style and a description. */
public abstract class DOMWidget extends Widget {
    private final Layout layout = new Layout();
    private final Style style;

    /** {@code styleModel} null: the widget has no style (boxes, output). */
    protected DOMWidget(String modelName, String viewName, String styleModel) {
        this(CONTROLS, modelName, CONTROLS, viewName, styleModel);
    }

    protected DOMWidget(String modelModule, String modelName, String viewModule, String viewName, String styleModel) {
        super(modelModule, modelName, viewModule, viewName);
        set("layout", layout);
        style = styleModel == null ? null : new Style(styleModel);
        if (style != null) {
            set("style", style);
        }
    }

    public Layout layout() {
        return layout;
    }

    /** The style, or null for a widget without one. */
    public Style style() {
        return style;
    }

    /** The label beside the control. */
    public DOMWidget description(String text) {
        set("description", text);
        return this;
    }

    public String getDescription() {
        Object d = get("description");
        return d == null ? "" : d.toString();
    }

    public DOMWidget disabled(boolean disabled) {
        set("disabled", disabled);
        return this;
    }

    @Override
    public void close() {
        super.close();
        layout.close();
        if (style != null) {
            style.close();
        }
    }
}
