/**
 * Events: {@link dev.mcr.event.McrEvent}, a sealed set of records, each with its JSON form, and the
 * {@link dev.mcr.event.Subscription} through which a subscriber receives them.
 */
package dev.mcr.event;
