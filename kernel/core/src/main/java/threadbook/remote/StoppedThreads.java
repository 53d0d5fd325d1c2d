package threadbook.remote;

import java.util.List;

/** The names of the first threads stopped, how many in all, and those a stop cannot reach (a deadlock). */
record StoppedThreads(List<String> names, int total, List<String> stuck) {
}
