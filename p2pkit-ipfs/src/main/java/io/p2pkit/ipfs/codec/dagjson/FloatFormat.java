package io.p2pkit.ipfs.codec.dagjson;

import java.math.BigDecimal;

/**
 * Writes a float the way the DAG-JSON fixtures do: the shortest decimal that reads back as the
 * same double, laid out as JavaScript's {@code Number.prototype.toString} lays it out (plain
 * between 1e-6 and 1e21, otherwise {@code 1.5e-7} / {@code 1e+21}). A float with no fraction gets
 * {@code .0} so that it reads back as a float, not an integer; negative zero stays {@code -0.0}.
 */
final class FloatFormat {
    private FloatFormat() {
    }

    static void append(StringBuilder out, double value) {
        if (value == 0) {
            out.append(Double.doubleToRawLongBits(value) < 0 ? "-0.0" : "0.0");
            return;
        }
        if (value < 0) {
            out.append('-');
            value = -value;
        }
        // Since JDK 19, Double.toString gives the shortest digits that read back exactly.
        String java = Double.toString(value);
        int e = java.indexOf('E');
        String mantissa = e < 0 ? java : java.substring(0, e);
        int exponent = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
        int dot = mantissa.indexOf('.');
        String digits = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        // value = 0.<digits> * 10^point
        int point = dot + exponent;
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        digits = digits.substring(lead);
        point -= lead;
        int trail = digits.length();
        while (trail > 1 && digits.charAt(trail - 1) == '0') {
            trail--;
        }
        digits = digits.substring(0, trail);
        if (digits.length() == 2) {
            // Java prints two digits where one would do (1e-323 comes out as 9.9E-324); JavaScript
            // prints the single digit closest to the value when one reads back exactly.
            String one = oneDigit(value, digits, point);
            if (one != null) {
                point = one.length() > 1 ? point + 1 : point;
                digits = one.substring(0, 1);
            }
        }
        int k = digits.length();
        int n = point;
        if (k <= n && n <= 21) {
            out.append(digits);
            out.append("0".repeat(n - k));
            out.append(".0");
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            int exp = n - 1;
            out.append('e').append(exp < 0 ? '-' : '+').append(Math.abs(exp));
        }
    }

    /**
     * The one-digit decimal for a value Java printed with two digits, or null when none reads
     * back as the same double. A result of "10" means the digit 1 one place further left.
     */
    private static String oneDigit(double value, String twoDigits, int point) {
        int first = twoDigits.charAt(0) - '0';
        String best = null;
        BigDecimal bestDistance = null;
        BigDecimal exact = new BigDecimal(value);
        for (int d : new int[] {first, first + 1}) {
            // 0.d * 10^point, written as d * 10^(point - 1)
            BigDecimal candidate = BigDecimal.valueOf(d).scaleByPowerOfTen(point - 1);
            if (candidate.signum() == 0 || candidate.doubleValue() != value) {
                continue;
            }
            BigDecimal distance = candidate.subtract(exact).abs();
            if (bestDistance == null || distance.compareTo(bestDistance) < 0) {
                best = Integer.toString(d);
                bestDistance = distance;
            }
        }
        return best;
    }
}
