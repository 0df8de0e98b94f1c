package dev.incidentgateway.api;

import dev.incidentgateway.timeline.PageBudget;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The items of one page as a JSON array, built as they are read and closed before the item that would take it past
 * {@code maxBytes} ({@code GATEWAY_PAGE_MAX_BYTES}); the first item is always taken, so a page makes progress whatever
 * an item's size. A page closed so says {@link #cut()}: the client continues after its last item ({@link #next}),
 * exactly as after a full page, so following the cursor still yields every item once. Before, a page was {@code limit} items whatever
 * their size: a thousand 1 MB notes in one answer (and several copies of it in memory).
 */
final class BoundedPage {
    private final PageBudget budget;
    private final Items items = new Items();
    private String lastId;

    BoundedPage(long maxBytes) {
        this.budget = new PageBudget(maxBytes);
    }

    /** Adds the item (its JSON) unless the page is past {@code maxBytes} with it; false: the page is closed. */
    boolean add(String id, byte[] json) {
        if (!budget.take(budget.count() == 0 ? json.length : json.length + 1L)) { // + 1: the comma before it
            return false;
        }
        if (budget.count() > 1) {
            items.write(',');
        }
        items.write(json, 0, json.length);
        lastId = id;
        return true;
    }

    int count() {
        return budget.count();
    }

    /** Whether an item was left out for the byte budget (then there is a next page). */
    boolean cut() {
        return budget.cut();
    }

    /** Where the next page starts, when {@code full} or {@link #cut()}; else {@code null} (the end for now). */
    String next(boolean full) {
        return full || budget.cut() ? lastId : null;
    }

    /** {@code prefix}, the items as a JSON array, then {@code suffix}. */
    byte[] render(String prefix, String suffix) {
        byte[] head = (prefix + "[").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("]" + suffix).getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + items.size() + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        items.copyTo(body, head.length);
        System.arraycopy(tail, 0, body, head.length + items.size(), tail.length);
        return body;
    }

    /** The items' bytes, copied once into the answer (not once more by {@code toByteArray}). */
    private static final class Items extends ByteArrayOutputStream {
        void copyTo(byte[] target, int at) {
            System.arraycopy(buf, 0, target, at, count);
        }
    }
}
