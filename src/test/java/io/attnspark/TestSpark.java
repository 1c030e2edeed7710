package io.attnspark;

import org.apache.spark.sql.SparkSession;

/** The embedded Spark session tests share: local[2], UI off, bound to the loopback address. */
public final class TestSpark {

    private TestSpark() {}

    /**
     * Gets or creates the session.
     *
     * @return the session
     */
    public static SparkSession session() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("attnspark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }
}
