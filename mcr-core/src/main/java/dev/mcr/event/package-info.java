/** Events ({@link dev.mcr.event.McrEvent}, a sealed set of records), the event bus and subscriptions. */
package dev.mcr.event;
