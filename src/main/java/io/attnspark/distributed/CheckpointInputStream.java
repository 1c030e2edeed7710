package io.attnspark.distributed;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * Reads a checkpoint's Java-serialised state, including checkpoints written before this package was
 * renamed from {@code io.attnspark.dist}: a run killed under the old build resumes under this one.
 * Java's serialisation compares class names without their package, and the state classes are records
 * (no serialVersionUID to match), so mapping the old package name is all it takes.
 */
final class CheckpointInputStream extends ObjectInputStream {

    private static final String OLD_PACKAGE = "io.attnspark.dist.";
    private static final String PACKAGE = CheckpointInputStream.class.getPackageName() + ".";

    CheckpointInputStream(InputStream in) throws IOException {
        super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        String name = desc.getName();
        if (name.startsWith(OLD_PACKAGE)) {
            return Class.forName(PACKAGE + name.substring(OLD_PACKAGE.length()), false,
                    CheckpointInputStream.class.getClassLoader());
        }
        return super.resolveClass(desc);
    }
}
