package threadbook.api.widgets;

import java.util.function.Consumer;

/** A widget with a "value" trait, of type {@code T}: what {@code interact} reads its arguments from. */
public abstract class ValueWidget<T> extends DOMWidget {
    protected ValueWidget(String modelName, String viewName, String styleModel) {
        super(modelName, viewName, styleModel);
    }

    @SuppressWarnings("unchecked")
    public T getValue() {
        return (T) get("value");
    }

    public ValueWidget<T> setValue(T value) {
        set("value", value);
        return this;
    }

    /** Calls {@code listener} with the new value on every change of the value. */
    @SuppressWarnings("unchecked")
    public ValueWidget<T> onChange(Consumer<T> listener) {
        observe("value", change -> listener.accept((T) change.newValue()));
        return this;
    }

    @Override
    public ValueWidget<T> description(String text) {
        super.description(text);
        return this;
    }
}
