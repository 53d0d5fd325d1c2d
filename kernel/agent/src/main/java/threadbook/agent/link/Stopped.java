package threadbook.agent.link;

import java.io.Serializable;

/** What a stop ended: how many user threads it interrupted and how many worker processes it ended. */
public record Stopped(int threads, int workers) implements Serializable {}
