package threadbook.agent;

import java.util.Map;

/**
 * A value that shows itself as a MIME bundle. Internal: notebooks implement
 * {@code threadbook.api.Renderable}, which extends this, so that the machinery here renders values
 * without depending on the API above it.
 */
@FunctionalInterface
public interface SelfRendering {
    Map<String, String> render();
}
