package threadbook.api.widgets;

import java.util.List;

/** A row of buttons of which one is down (ipywidgets' ToggleButtons). */
public final class ToggleButtons extends Selection {
    public ToggleButtons(String description, List<String> options, String value) {
        super("ToggleButtonsModel", "ToggleButtonsView", "ToggleButtonsStyleModel", description, options, value);
        set("tooltips", List.of());
        set("icons", List.of());
        set("button_style", "");
        open();
    }

    public ToggleButtons(String description, List<String> options) {
        this(description, options, options.isEmpty() ? null : options.get(0));
    }
}
