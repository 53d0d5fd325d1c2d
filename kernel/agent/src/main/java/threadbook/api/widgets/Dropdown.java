package threadbook.api.widgets;

import java.util.List;

/** A drop-down list (ipywidgets' Dropdown). */
public final class Dropdown extends Selection {
    public Dropdown(String description, List<String> options, String value) {
        super("DropdownModel", "DropdownView", "DescriptionStyleModel", description, options, value);
        open();
    }

    public Dropdown(String description, List<String> options) {
        this(description, options, options.isEmpty() ? null : options.get(0));
    }
}
