package io.attnspark.distributed;

/** The one form of a settings record's error: the config key, its value and what would be valid. */
final class SettingsCheck {

    private SettingsCheck() {}

    /**
     * Fails unless a value is valid.
     *
     * @param ok whether it is
     * @param key the config key, e.g. {@code train.batch-size}
     * @param value the value given
     * @param valid what would be valid, after "must be"
     * @throws IllegalArgumentException naming the key, the value and what would be valid
     */
    static void require(boolean ok, String key, Object value, String valid) {
        if (!ok) {
            throw new IllegalArgumentException(key + " = " + value + " is invalid: must be " + valid);
        }
    }
}
