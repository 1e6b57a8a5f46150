/**
 * The exceptions mcr throws: all unchecked, rooted in {@link dev.mcr.error.McrException}, named after what went
 * wrong and carrying the ids it is about, with messages that are whole sentences. Mapping them to a protocol (such
 * as HTTP status codes) is the caller's job.
 */
package dev.mcr.error;
