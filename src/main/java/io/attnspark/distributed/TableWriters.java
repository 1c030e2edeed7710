package io.attnspark.distributed;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One writer at a time per appended result table in this driver JVM. Concurrent ablation cells append
 * to the same {@code runs}, {@code rounds} and {@code failures} folders, and Spark's file committer
 * stages every append of an application in the same {@code <table>/_temporary/0} folder: the first
 * append to commit deletes it, and with it the files of another append still in flight (lost rows, or
 * a failed write). The appends are a few small files each, so taking turns costs nothing measurable.
 * Readers that look a run up take the same turn, so they never list a half-committed append.
 */
public final class TableWriters {

    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

    private TableWriters() {}

    /**
     * Runs an append to (or a look-up in) a table while no other thread of this JVM writes to it.
     *
     * @param table the table's path, spelled as every writer spells it
     * @param action the write or read
     * @param <T> what the action returns
     * @return the action's result
     */
    public static <T> T exclusively(String table, Supplier<T> action) {
        synchronized (LOCKS.computeIfAbsent(table, t -> new Object())) {
            return action.get();
        }
    }

    /**
     * Runs an append to a table while no other thread of this JVM writes to it.
     *
     * @param table the table's path, spelled as every writer spells it
     * @param append the write
     */
    public static void exclusively(String table, Runnable append) {
        exclusively(table, () -> {
            append.run();
            return null;
        });
    }
}
