package dev.porter.bench;

/** A process of known size for {@link MeasureTest}: its pre-touched heap, held for a while. */
final class Hold {
  private Hold() {}

  public static void main(String[] args) throws InterruptedException {
    Thread.sleep(Long.parseLong(args[0]));
  }
}
