package io.sparkconv.udf;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;

/**
 * {@code tensor_from_image(image)}: Spark's image struct to the tensor struct (float32 RGB CHW,
 * scaled and normalised by {@link ImageOptions}), the same conversion the job applies to image
 * input. NULL gives NULL; an undecodable image fails the query, or gives NULL when {@code
 * spark.sparkconv.udf.onError=null}.
 */
public final class ImageToTensorUdf implements UDF1<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ImageOptions options;
  private final long maxElements;
  private final boolean nullOnError;

  public ImageToTensorUdf(ImageOptions options, long maxElements, boolean nullOnError) {
    this.options = options;
    this.maxElements = maxElements;
    this.nullOnError = nullOnError;
  }

  @Override
  public Row call(Row image) throws Exception {
    if (image == null) {
      return null;
    }
    if (image.schema() == null || !TensorColumns.isImageStruct(image.schema())) {
      throw new IllegalArgumentException(
          "tensor_from_image: argument must be an image struct "
              + TensorColumns.IMAGE_TYPE.simpleString()
              + ", got "
              + (image.schema() == null
                  ? "a struct without schema"
                  : image.schema().simpleString()));
    }
    try {
      return TensorColumns.toRow(
          InputDecoder.forType("tensor_from_image argument", image.schema(), options)
              .decodeValue(image, null, maxElements));
    } catch (BadRowException e) {
      if (nullOnError) {
        return null;
      }
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
