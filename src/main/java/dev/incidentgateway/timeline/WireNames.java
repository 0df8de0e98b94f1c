package dev.incidentgateway.timeline;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The wire names of an enum (its constant names in lower case), computed once: they are read for every stored row and
 * written for every event answered (a feed page of 100 events looked each type up by streaming over the constants and
 * lower-casing every name, ≈ 7 % of the page's CPU at a million events).
 */
final class WireNames<E extends Enum<E>> {
    private final String[] names;
    private final Map<String, E> byName = new HashMap<>();

    WireNames(Class<E> type) {
        E[] constants = type.getEnumConstants();
        names = new String[constants.length];
        for (E e : constants) {
            names[e.ordinal()] = e.name().toLowerCase(Locale.ROOT);
            byName.put(names[e.ordinal()], e);
        }
    }

    String of(E e) {
        return names[e.ordinal()];
    }

    Optional<E> parse(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
