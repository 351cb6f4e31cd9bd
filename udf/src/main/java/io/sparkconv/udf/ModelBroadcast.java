package io.sparkconv.udf;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag$;

/**
 * A model broadcast once to every executor, whatever {@code spark.serializer} is. The model is
 * Java-serialized on the driver and broadcast as bytes: Kryo (the serializer recommended for Spark,
 * and set by conf/spark-defaults-*.conf) cannot serialize records such as the model's layer
 * definitions. Each JVM deserializes it once ({@link #handle()}), with the task's context class
 * loader so that classes from {@code spark.jars} resolve on executors.
 */
public final class ModelBroadcast implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ConcurrentHashMap<Long, ModelHandle> HANDLES = new ConcurrentHashMap<>();

  private final Broadcast<byte[]> bytes;

  private ModelBroadcast(Broadcast<byte[]> bytes) {
    this.bytes = bytes;
  }

  /** Serializes {@code model} and broadcasts it (driver side). */
  public static ModelBroadcast of(SparkContext sc, ModelHandle model) {
    ModelBroadcast b =
        new ModelBroadcast(sc.broadcast(write(model), ClassTag$.MODULE$.apply(byte[].class)));
    // The driver already has the object: no need to deserialize it there.
    HANDLES.put(b.bytes.id(), model);
    return b;
  }

  /** A key unique to this broadcast in the application, for {@link ExecutorModels}. */
  public String key() {
    return "broadcast-" + bytes.id();
  }

  /** The model, deserialized once per JVM. */
  public ModelHandle handle() {
    return HANDLES.computeIfAbsent(bytes.id(), id -> read(bytes.value()));
  }

  /**
   * Drops this JVM's copy and the broadcast's blocks on the executors (driver side, at the end).
   */
  public void release() {
    HANDLES.remove(bytes.id());
    ExecutorModels.release(key());
    bytes.unpersist(false);
  }

  static byte[] write(ModelHandle model) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(out)) {
      o.writeObject(model);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize the model for broadcast", e);
    }
    return out.toByteArray();
  }

  static ModelHandle read(byte[] data) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try (ObjectInputStream in =
        new LoaderObjectInputStream(new ByteArrayInputStream(data), loader)) {
      return (ModelHandle) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read the broadcast model: " + e, e);
    }
  }

  /** Resolves classes with the given loader (Spark's user-jar loader on executors). */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      if (loader != null) {
        try {
          return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          // fall through to the default resolution (e.g. primitive array types)
        }
      }
      return super.resolveClass(desc);
    }
  }
}
