package dev.fluxion.examples;
public final class Demo { public static void main(String[] a) { System.out.println("java " + Runtime.version()); } }
