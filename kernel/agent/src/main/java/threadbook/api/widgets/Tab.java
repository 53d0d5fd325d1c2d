package threadbook.api.widgets;

import java.util.List;

/** Widgets on tabs, one shown at a time (ipywidgets' Tab): {@code new Tab(List.of("a", "b"), w1, w2)}. */
public final class Tab extends Box {
    public Tab(List<String> titles, Widget... children) {
        super("TabModel", "TabView", List.of(children));
        set("titles", List.copyOf(titles));
        set("selected_index", children.length == 0 ? null : 0);
        open();
    }

    public Integer getSelectedIndex() {
        Object i = get("selected_index");
        return i == null ? null : (Integer) Numbers.asInteger(i);
    }

    @Override
    protected Object normalize(String trait, Object value) {
        return trait.equals("selected_index") ? Numbers.asInteger(value) : value;
    }
}
