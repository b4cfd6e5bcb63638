package org.sheetlab.data.iterator;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Takes the next batch from {@code source} on a background thread while the caller trains on the current one: each
 * {@link #next()} returns the batch fetched ahead (waiting for it if needed) and starts fetching the one after it. The
 * source is called on that one thread only, one call at a time, in the same sequence as without prefetching, so the
 * batches, their order and any random stream the source draws from are the same ({@code same seed, same numbers}).
 * A source that reuses its arrays must keep at least two batches valid at once (e.g.
 * {@link ShuffledArrayIterator#reuseBuffers(int) reuseBuffers(2)}): the batch handed out stays untouched until the
 * following {@link #next()}. {@link #last()} returns the batch fetched ahead without fetching another, and
 * {@link #close()} ends the thread (after a fetch in progress). The thread is a daemon named
 * {@code sheetlab-prefetch}. A failure in the source is rethrown by the {@code next()} that would have returned it.
 */
public final class BatchPrefetcher<T> implements AutoCloseable {
    private final Supplier<T> source;
    private final ExecutorService thread;
    private Future<T> ahead;

    public BatchPrefetcher(Supplier<T> source) {
        this.source = source;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sheetlab-prefetch");
            t.setDaemon(true);
            return t;
        });
    }

    /** The next batch (fetched ahead where it could be), and the fetch of the one after it started. */
    public T next() {
        T batch = take();
        ahead = thread.submit(source::get);
        return batch;
    }

    /** The next batch, without fetching another (the source is left just after it). */
    public T last() {
        return take();
    }

    private T take() {
        Future<T> f = ahead != null ? ahead : thread.submit(source::get);
        ahead = null;
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the next batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("fetching the next batch failed: " + e.getCause(), e.getCause());
        }
    }

    /** Ends the background thread once a fetch in progress has finished (its batch is dropped). */
    @Override
    public void close() {
        if (ahead != null) {
            try {
                ahead.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // dropped with its batch
            }
            ahead = null;
        }
        thread.shutdown();
    }
}
