package dev.incidentgateway.outbox;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the relay's "delivered" outcomes: a slot queues its outcome, and whichever slot gets to record next
 * records every outcome queued by then in one transaction ({@link OutboxStore#deliveredAll}). While one commit runs the
 * next batch forms, so with several slots busy a commit serves several deliveries (each commit is a file write on H2 and
 * a WAL flush on PostgreSQL); a lone delivery is recorded at once. Each outcome keeps its own meaning: recorded only
 * while its claim holds, the incident's next row claimed in the same transaction. A failed commit fails every outcome
 * of the batch: their rows keep their leases and are delivered again (at-least-once), as a single failed one would be.
 */
final class DeliveredBatch {
    private record Request(OutboxStore.Delivered delivery, CompletableFuture<OutboxStore.Recorded> result) {
    }

    private final OutboxStore outbox;
    private final ConcurrentLinkedQueue<Request> queued = new ConcurrentLinkedQueue<>();
    private final ReentrantLock recording = new ReentrantLock();

    DeliveredBatch(OutboxStore outbox) {
        this.outbox = outbox;
    }

    OutboxStore.Recorded record(OutboxStore.Delivered delivery) throws SQLException {
        Request mine = new Request(delivery, new CompletableFuture<>());
        queued.add(mine);
        recording.lock();
        try {
            if (!mine.result().isDone()) {
                recordQueued(); // includes mine, and whatever other slots queued meanwhile
            }
        } finally {
            recording.unlock();
        }
        try {
            return mine.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording an outcome", e);
        }
    }

    private void recordQueued() {
        List<Request> batch = new ArrayList<>();
        for (Request r; (r = queued.poll()) != null; ) {
            batch.add(r);
        }
        try {
            List<OutboxStore.Recorded> results = outbox.deliveredAll(batch.stream().map(Request::delivery).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            batch.forEach(r -> r.result().completeExceptionally(e));
        }
    }
}
