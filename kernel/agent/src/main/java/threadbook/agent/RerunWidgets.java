package threadbook.agent;

import threadbook.api.Notebook;
import threadbook.api.widgets.IntSlider;
import threadbook.api.widgets.Output;
import threadbook.api.widgets.VBox;

/**
 * The widgets of a magic that re-runs when a slider moves (%%compare --slider): the slider above an
 * Output that the kernel routes the magic's output into. Internal: the kernel calls it.
 */
public final class RerunWidgets {
    private RerunWidgets() {}

    /** Shows a slider (sending its value when let go) above an Output; returns "SLIDER_ID OUTPUT_ID". */
    public static String sliderAboveOutput(String name, int min, int max, int value) {
        IntSlider slider = new IntSlider(name, min, max, value);
        // One re-run when the slider is let go, not one for every value it passes while dragged.
        slider.continuousUpdate(false);
        Output out = new Output();
        Notebook.display(new VBox(slider, out));
        return slider.modelId() + " " + out.modelId();
    }
}
