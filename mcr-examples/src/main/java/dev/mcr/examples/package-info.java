/** Small runnable programs that show how to embed mcr-core. */
package dev.mcr.examples;
