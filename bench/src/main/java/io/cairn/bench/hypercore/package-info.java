/**
 * JMH benchmarks of the Hypercore format in {@code io.cairn.protocol.hypercore}: append with
 * signing, proof generation, full and trusted-head proof verification. Build with {@code mvn -pl
 * protocol,bench -am package -DskipTests} and run {@code java -jar bench/target/benchmarks.jar}
 * with a class name; results are in {@code docs/benchmarks.md}.
 */
package io.cairn.bench.hypercore;
