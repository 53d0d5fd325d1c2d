package threadbook.api.widgets;

import java.util.List;

/** Two widgets' traits kept equal by the frontend, without the kernel (ipywidgets' jslink). */
public final class Link extends Widget {
    Link(Widget source, String sourceTrait, Widget target, String targetTrait) {
        super(CONTROLS, "LinkModel", CONTROLS, null);
        set("source", List.of("IPY_MODEL_" + source.modelId(), sourceTrait));
        set("target", List.of("IPY_MODEL_" + target.modelId(), targetTrait));
        open();
    }

    /** Ends the link. */
    public void unlink() {
        close();
    }
}
