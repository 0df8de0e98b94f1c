package dev.incidentgateway.store;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Points an embedded H2 file's header at its newest chunk, so that a process killed now reopens with every commit that
 * was written, not with the state of up to ~20 commits ago.
 *
 * <p>Why (issue 13, session 37; H2 2.5.252): after a SIGKILL, H2 finds the newest chunk from the file header's chunk by
 * following each chunk's {@code next}, a guess of where the following chunk will go, or as the chunk at the end of the
 * file. Once freed chunks' space is reused (once the first chunks are RETENTION_TIME old: 5 s in the gateway's URL,
 * 45 s by H2's default, at once with 0) a chunk often lands elsewhere than the guess; H2 then rewrites the header, but
 * with the chunk before it (its {@code writeChunk} runs before {@code lastChunk} moves on), so the chain from the header
 * ends one chunk short, and the chunks after that stay out of reach until a later header write (at most every 20
 * versions). A killed gateway lost the
 * last 23–32 events it had answered 2xx (a store-level harness: acknowledged declares from 32 threads, SIGKILL after
 * the last answer; the ack log had them, the reopened store did not); a plain MVStore reopened from a copy of its file
 * taken after each commit missed the last 1–18 commits in most copies. H2 writes the header this way only when it
 * closes the file, and offers no setting or call for it: this invokes its own header write (private in
 * {@link RandomAccessStore}) under the lock H2 writes chunks with, after a commit, when the header is behind the newest chunk. The cost
 * is one write of the two 4 KB header blocks per group commit. Stable within the pinned H2 version;
 * {@code H2CrashImageTest} fails if an H2 upgrade moves it.
 */
final class H2NewestChunkHeader {
    private static final Logger LOG = LoggerFactory.getLogger(H2NewestChunkHeader.class);
    /** {@code RandomAccessStore.writeStoreHeader()}: writes both header blocks naming {@code lastChunk}. */
    private static final Method WRITE_STORE_HEADER = member("RandomAccessStore.writeStoreHeader()",
            () -> RandomAccessStore.class.getDeclaredMethod("writeStoreHeader"));
    /** {@code FileStore.saveChunkLock}: held by H2 while it writes a chunk (and the header) and sets {@code lastChunk}. */
    private static final Field SAVE_CHUNK_LOCK = member("FileStore.saveChunkLock",
            () -> FileStore.class.getDeclaredField("saveChunkLock"));
    /** The header's key for the version of the chunk it names ({@code FileStore.HDR_VERSION}). */
    private static final String HDR_VERSION = "version";

    private H2NewestChunkHeader() {
    }

    /** Makes the header name the newest chunk written so far, if it does not yet; a no-op for any other kind of store. */
    static void catchUp(MVStore store) {
        FileStore<?> file = store.getFileStore();
        if (WRITE_STORE_HEADER == null || SAVE_CHUNK_LOCK == null || !(file instanceof RandomAccessStore) || file.isReadOnly() || !behind(file)) {
            return;
        }
        // The lock H2 holds while it writes a chunk and moves lastChunk on (FileStore.storeBuffer), and nothing more: the
        // store lock would hold up H2's own commits and its compaction for a write that needs neither.
        ReentrantLock lock = saveChunkLock(file);
        lock.lock();
        try {
            if (!store.isClosed() && behind(file)) {
                write(file);
            }
        } finally {
            lock.unlock();
        }
    }

    private static ReentrantLock saveChunkLock(FileStore<?> file) {
        try {
            return (ReentrantLock) SAVE_CHUNK_LOCK.get(file);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the header names an older chunk than the newest one. Read without H2's lock first (the version only grows,
     * so a stale read can only say "behind" wrongly, which the check under the lock then corrects).
     */
    private static boolean behind(FileStore<?> file) {
        return file.lastChunkVersion() > DataUtils.readHexLong(file.getStoreHeader(), HDR_VERSION, 0);
    }

    private static void write(FileStore<?> file) {
        try {
            WRITE_STORE_HEADER.invoke(file);
        } catch (ReflectiveOperationException e) {
            // Not thrown on: the commit itself is written; only its finding after a SIGKILL is at stake.
            LOG.error("could not point the H2 file header at its newest chunk; a process killed now may reopen without "
                    + "its last commits: {}", e.toString());
        }
    }

    /** H2's member, made accessible; null (said once, loudly) when this H2 has no such member. */
    private static <T extends AccessibleObject> T member(String name, Callable<T> lookup) {
        try {
            T member = lookup.call();
            member.setAccessible(true);
            return member;
        } catch (Exception e) {
            LoggerFactory.getLogger(H2NewestChunkHeader.class).error("this H2 has no {}; a process killed with SIGKILL may "
                    + "reopen without its last commits: {}", name, e.toString());
            return null;
        }
    }
}
