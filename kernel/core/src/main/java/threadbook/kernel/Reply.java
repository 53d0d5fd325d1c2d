package threadbook.kernel;

import com.google.gson.JsonObject;

/**
 * Answers one request: the kernel signs the reply and sends it to the client that asked, on the channel
 * the request came in on. Handlers get this instead of the socket, so that they need not know of one.
 */
@FunctionalInterface
interface Reply {
    void send(String type, JsonObject content);
}
