package org.jukibus;
public class Jukibus { public static void main(String[] a) {} }
