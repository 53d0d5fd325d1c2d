package threadbook.api.widgets;

import java.util.ArrayList;
import java.util.List;
import threadbook.api.Notebook;

/**
 * ipywidgets' functions, imported into every cell: {@code interact}, {@code interactive}, {@code jslink}.
 * A control for a parameter is a widget, or an abbreviation as in ipywidgets: an int n (a slider from
 * n - 2|n| to n + 2|n|), a double (the same, decimal), {@code new int[] {min, max}} or
 * {@code {min, max, step}}, a boolean (a checkbox), a String (a text box), a List of Strings (a drop-down).
 */
public final class Widgets {
    private Widgets() {}

    @FunctionalInterface
    public interface Fn1<A> {
        void run(A a) throws Exception;
    }

    @FunctionalInterface
    public interface Fn2<A, B> {
        void run(A a, B b) throws Exception;
    }

    @FunctionalInterface
    public interface Fn3<A, B, C> {
        void run(A a, B b, C c) throws Exception;
    }

    /** Shows controls for {@code f}'s parameter and its output, and runs it again on every change. */
    public static <A> void interact(Fn1<A> f, Object a) {
        Notebook.display(interactive(f, a));
    }

    public static <A, B> void interact(Fn2<A, B> f, Object a, Object b) {
        Notebook.display(interactive(f, a, b));
    }

    public static <A, B, C> void interact(Fn3<A, B, C> f, Object a, Object b, Object c) {
        Notebook.display(interactive(f, a, b, c));
    }

    /** With widgets for controls, the lambda's parameter types need not be written: {@code n -> race(n)}. */
    public static <A> void interact(Fn1<A> f, ValueWidget<A> a) {
        Notebook.display(interactive(f, a));
    }

    public static void interact(Fn1<Integer> f, int a) {
        Notebook.display(interactive(f, a));
    }

    public static <A, B> void interact(Fn2<A, B> f, ValueWidget<A> a, ValueWidget<B> b) {
        Notebook.display(interactive(f, a, b));
    }

    public static <A, B, C> void interact(Fn3<A, B, C> f, ValueWidget<A> a, ValueWidget<B> b, ValueWidget<C> c) {
        Notebook.display(interactive(f, a, b, c));
    }

    public static <A> Interactive interactive(Fn1<A> f, ValueWidget<A> a) {
        return interactive(f, (Object) a);
    }

    public static Interactive interactive(Fn1<Integer> f, int a) {
        return interactive(f, (Object) a);
    }

    public static <A, B> Interactive interactive(Fn2<A, B> f, ValueWidget<A> a, ValueWidget<B> b) {
        return interactive(f, (Object) a, (Object) b);
    }

    public static <A, B, C> Interactive interactive(Fn3<A, B, C> f, ValueWidget<A> a, ValueWidget<B> b, ValueWidget<C> c) {
        return interactive(f, (Object) a, (Object) b, (Object) c);
    }

    /** As interact, not yet shown: the widget, to display or put in a box. */
    @SuppressWarnings("unchecked")
    public static <A> Interactive interactive(Fn1<A> f, Object a) {
        return make(args -> f.run((A) args[0]), a);
    }

    @SuppressWarnings("unchecked")
    public static <A, B> Interactive interactive(Fn2<A, B> f, Object a, Object b) {
        return make(args -> f.run((A) args[0], (B) args[1]), a, b);
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C> Interactive interactive(Fn3<A, B, C> f, Object a, Object b, Object c) {
        return make(args -> f.run((A) args[0], (B) args[1], (C) args[2]), a, b, c);
    }

    private static Interactive make(Interactive.Body body, Object... abbreviations) {
        List<ValueWidget<?>> controls = new ArrayList<>();
        for (int i = 0; i < abbreviations.length; i++) {
            controls.add(control(abbreviations[i], abbreviations.length == 1 ? "x" : String.valueOf((char) ('x' + i))));
        }
        return new Interactive(controls, new Output(), body);
    }

    /** The widget for an abbreviation, labelled {@code label} when the abbreviation does not say. */
    @SuppressWarnings("unchecked")
    static ValueWidget<?> control(Object abbreviation, String label) {
        if (abbreviation instanceof ValueWidget<?> w) {
            return w;
        }
        if (abbreviation instanceof Integer n) {
            return n == 0 ? new IntSlider(label, 0, 1, 0) : new IntSlider(label, n - 2 * Math.abs(n), n + 2 * Math.abs(n), n);
        }
        if (abbreviation instanceof Double d) {
            return d == 0 ? new FloatSlider(label, 0, 1, 0)
                    : new FloatSlider(label, d - 2 * Math.abs(d), d + 2 * Math.abs(d), d);
        }
        if (abbreviation instanceof int[] r && (r.length == 2 || r.length == 3)) {
            IntSlider s = new IntSlider(label, r[0], r[1], r[0] + (r[1] - r[0]) / 2);
            return r.length == 3 ? s.step(r[2]) : s;
        }
        if (abbreviation instanceof double[] r && (r.length == 2 || r.length == 3)) {
            FloatSlider s = new FloatSlider(label, r[0], r[1], (r[0] + r[1]) / 2);
            return r.length == 3 ? s.step(r[2]) : s;
        }
        if (abbreviation instanceof Boolean b) {
            return new Checkbox(label, b);
        }
        if (abbreviation instanceof String s) {
            return new Text(label, s);
        }
        if (abbreviation instanceof List<?> options && options.stream().allMatch(o -> o instanceof String)) {
            return new Dropdown(label, (List<String>) options);
        }
        throw new IllegalArgumentException("interact cannot make a control of " + abbreviation
                + ": give a widget (new IntSlider(\"n\", 1, 16, 4)), an int, a double, new int[] {min, max},"
                + " a boolean, a String or a List of Strings");
    }

    /** Keeps {@code target.targetTrait} equal to {@code source.sourceTrait} in the browser (no kernel round trip). */
    public static Link jslink(Widget source, String sourceTrait, Widget target, String targetTrait) {
        return new Link(source, sourceTrait, target, targetTrait);
    }
}
