// Flat ΛCDM distances for the mock catalog (H0 = 70 km/s/Mpc, Ωm = 0.3): distance modulus and comoving
// volume element, tabulated once on a redshift grid by trapezoidal integration of 1/E(z).

const C_KM_S = 299792.458;

export interface Cosmology {
  h0: number;
  omegaM: number;
}

export const FIDUCIAL: Cosmology = { h0: 70, omegaM: 0.3 };

export interface DistanceTable {
  z: Float64Array;
  /** Distance modulus 5 log10(D_L / 10 pc); entry 0 (z = 0) is −∞. */
  distanceModulus: Float64Array;
  /** dV/dz per steradian (Mpc³), for redshift distributions proportional to volume. */
  dVdz: Float64Array;
}

export function distanceTable(zMax: number, dz: number, cosmo: Cosmology = FIDUCIAL): DistanceTable {
  const n = Math.ceil(zMax / dz) + 1;
  const z = new Float64Array(n);
  const dm = new Float64Array(n);
  const dv = new Float64Array(n);
  const hubble = C_KM_S / cosmo.h0; // Mpc
  const e = (zz: number) => Math.sqrt(cosmo.omegaM * (1 + zz) ** 3 + 1 - cosmo.omegaM);
  let comoving = 0; // Mpc
  for (let k = 0; k < n; k++) {
    z[k] = k * dz;
    const zk = k * dz;
    if (k > 0) comoving += (hubble * dz * (1 / e((k - 1) * dz) + 1 / e(zk))) / 2;
    const dl = (1 + zk) * comoving;
    dm[k] = k === 0 ? -Infinity : 5 * Math.log10(dl * 1e5); // Mpc → units of 10 pc
    dv[k] = (hubble * comoving * comoving) / e(zk);
  }
  return { z, distanceModulus: dm, dVdz: dv };
}
