package dev.incidentgateway.timeline;

/**
 * The byte budget of one page of events ({@code GATEWAY_PAGE_MAX_BYTES}): a page takes items until the next would take
 * it past {@code maxBytes}, and always its first item, so a page makes progress whatever an item's size. A page closed
 * so is {@link #cut()}: its reader goes on after the last item it took, exactly as after a full page, so following the
 * pages still yields every item once. One rule for every reader of pages: the API's pages ({@code BoundedPage}), the
 * live stream's replay and tail, and {@code timeline:events}.
 */
public final class PageBudget {
    private final long maxBytes;
    private long used;
    private int count;
    private boolean cut;

    public PageBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Takes an item of {@code bytes} unless the page is past the budget with it; false: the page is closed. */
    public boolean take(long bytes) {
        if (cut || count > 0 && used + bytes > maxBytes) {
            cut = true;
            return false;
        }
        used += bytes;
        count++;
        return true;
    }

    /** Items taken. */
    public int count() {
        return count;
    }

    /** Whether an item was refused for the budget (then there is a next page). */
    public boolean cut() {
        return cut;
    }
}
