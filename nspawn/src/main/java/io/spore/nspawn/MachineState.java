package io.spore.nspawn;

public enum MachineState { RUNNING, STOPPED }
