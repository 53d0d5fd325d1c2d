package threadbook.api;

import java.util.Map;

/**
 * A value that knows how to show itself in a notebook: return MIME types to data, e.g.
 * {@code Map.of("text/html", "<b>hi</b>", "text/plain", "hi")}. A cell whose value is Renderable, or
 * {@code display(value)}, shows it that way (binary types such as image/png as base64 text).
 */
@FunctionalInterface
public interface Renderable extends threadbook.agent.SelfRendering {
    @Override
    Map<String, String> render();
}
