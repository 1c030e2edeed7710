package io.attnspark.cli;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the job's SparkSession. Under spark-submit the master and settings come from
 * spark-submit; run from the local launcher the session is embedded ({@code local[*]} unless
 * told otherwise) with the UI off.
 */
public final class SparkSessions {

    private SparkSessions() {}

    /**
     * Gets or creates the session for a job.
     *
     * @param appName the application name shown in Spark's logs and UI
     * @param master the master to use when none was given by spark-submit, or null for local[*]
     * @return the session
     */
    public static SparkSession getOrCreate(String appName, String master) {
        return getOrCreate(appName, master, Map.of());
    }

    /**
     * Gets or creates the session for a job that needs some Spark settings unless spark-submit or
     * {@code spark-defaults.conf} set them otherwise (they only take effect in a new session).
     *
     * @param appName the application name shown in Spark's logs and UI
     * @param master the master to use when none was given by spark-submit, or null for local[*]
     * @param defaults Spark settings to use where none is given
     * @return the session
     */
    public static SparkSession getOrCreate(String appName, String master, Map<String, String> defaults) {
        SparkConf conf = new SparkConf(true); // picks up spark.* system properties set by spark-submit
        if (!conf.contains("spark.master") || master != null) {
            conf.setMaster(master == null ? "local[*]" : master);
        }
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        conf.setIfMissing("spark.app.name", appName);
        conf.setIfMissing("spark.sql.shuffle.partitions", "8");
        defaults.forEach(conf::setIfMissing);
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
