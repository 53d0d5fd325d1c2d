package threadbook.api.widgets;

/** A widget's CSS layout (ipywidgets' Layout): {@code w.layout().set("width", "400px")}. */
public final class Layout extends Widget {
    public Layout() {
        super(BASE, "LayoutModel", BASE, "LayoutView");
        open();
    }
}
