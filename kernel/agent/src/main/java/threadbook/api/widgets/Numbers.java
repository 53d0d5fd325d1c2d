package threadbook.api.widgets;

/** Numbers from JSON (Long or Double) as the type a widget keeps them in. */
final class Numbers {
    private Numbers() {}

    static Object asInteger(Object value) {
        return value instanceof Number n ? (Object) Math.toIntExact(Math.round(n.doubleValue())) : value;
    }

    static Object asDouble(Object value) {
        return value instanceof Number n ? (Object) n.doubleValue() : value;
    }

    static boolean isNumberTrait(String trait) {
        return trait.equals("value") || trait.equals("min") || trait.equals("max") || trait.equals("step");
    }
}
