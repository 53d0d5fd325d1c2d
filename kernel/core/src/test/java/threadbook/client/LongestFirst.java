package threadbook.client;

import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.Tag;

/**
 * The order in which failsafe's "together" run hands out test classes: those tagged {@value #LONG} (a minute or
 * more) first, then the rest by name. JUnit's fork-join pool hands classes out from both ends of that list, so the
 * long ones overlap the short ones, and the last class to end is a short one instead of a browser run started at
 * the end.
 */
public final class LongestFirst implements ClassOrderer {
    /** The tag of a class whose tests take a minute or more in all. */
    public static final String LONG = "long";

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparing((ClassDescriptor d) -> !isLong(d))
                .thenComparing(d -> d.getTestClass().getName()));
    }

    private static boolean isLong(ClassDescriptor d) {
        for (Tag tag : d.getTestClass().getAnnotationsByType(Tag.class)) {
            if (tag.value().equals(LONG)) {
                return true;
            }
        }
        return false;
    }
}
