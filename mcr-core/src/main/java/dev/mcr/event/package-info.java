/**
 * Events: {@link dev.mcr.event.McrEvent}, a sealed set of records, each with its JSON form, and the
 * {@link dev.mcr.event.Subscription} through which a subscriber receives them. Besides the original's event types,
 * {@link dev.mcr.event.StateChanged} tells of every committed change of a runner, group, profile or the layout.
 */
package dev.mcr.event;
